"""Stage 6, publish: what happens to a built PDF after `build`.

`sign` lays a PAdES signature out as Nghị định 30/2020/NĐ-CP asks (the director's signature
image, then the agency's seal and signing information) and appends it as an incremental
update; `keys` opens the key it signs with (a PKCS#12 file or a PKCS#11 token, the password or
PIN never from the command line); `verify` says whether a received PDF is intact, whose
signatures it carries, whether it keeps the basic PDF/A rules and whether its attached data
rebuilds the same text; `pdffile` reads what these need from a PDF (pikepdf). May import every
lower stage (to rebuild from the attached data); never `authoring` or the CLI.
"""
