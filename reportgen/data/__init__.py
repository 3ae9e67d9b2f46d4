"""Stage 1, data: everything that reads `data/` and `templates/layout.yaml` and makes the model.

Holds the line-marked YAML loader, the pydantic model (province, period, indicators), the
derived figures computed once, the arithmetic validation, dataset discovery and loading, the
layout, and the template sources (read here, with the data files' bytes, so that nothing
later opens a file). May import the base modules (`reportgen.errors`, `reportgen.vnformat`,
`reportgen.project`, `reportgen.fileio`) and nothing of a later stage. Only this stage reads
the data folder; every later stage works from the model it returns.
"""
