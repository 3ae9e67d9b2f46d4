"""Stage 5, build: reports from the data folder to files on disk.

`pipeline` takes one report through the one-way flow (load, validate, render, read, hand to
the writers: `make_document`, `render_formats`) and writes the outputs atomically, one report
after another or in worker processes (`build --all`), with the build record that skips
unchanged reports. May import every lower stage (base, `data`, `document`, `render`,
`writers`); never `authoring` or the CLI.
"""
