"""Stage 5, build: reports from the data folder to files on disk.

`pipeline` takes one report through the one-way flow (plan and skip decision, load, validate,
render, read, hand to the writers: `make_document`, `render_formats`, `build_one`) and writes
its outputs atomically; `batch` builds many (the lock, the build `record` that skips unchanged
reports, the worker pool, Ctrl-C); `overlap` lets one report use a second core (its PDF laid
out in a forked helper while this process writes the DOCX and HTML); `textcheck` refuses text
the fonts cannot set before any layout. May import every lower stage (base, `data`,
`document`, `render`, `writers`); never `authoring` or the CLI.
"""
