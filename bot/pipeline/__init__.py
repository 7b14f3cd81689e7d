"""The pipeline: understand -> plan -> fit budget -> generate -> check -> cost -> policy -> report."""
