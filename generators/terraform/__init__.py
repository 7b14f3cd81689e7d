"""Terraform generation: one package per cloud, each with a table of components (one file each); build.py renders
the spec's cloud, context.py holds what every component module shares. (Kept free of imports: a submodule import
runs this file first.)"""
