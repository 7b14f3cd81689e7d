"""Generators: turn a Plan into the files of an environment (generators.build.generate_all), one module per generated
component. Keep this file free of imports: importing any generator module runs it first."""
