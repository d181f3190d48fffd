"""Reading content files: finding them, their bytes and encodings, YAML and tables, with line numbers.

files.py    the limits, finding content files, reading their bytes and text; Raw, a record as read
text.py     decoding (UTF-8, GB18030/GBK, UTF-16), characters no page can show, shown() for messages
yaml.py     YAML with the line of each key (LineMap), nesting and aliases bounded
tables.py   tables' rows as records: CSV and text tables (delimiter, title line), spreadsheets' via sheets.py
sheets.py   .xlsx, .xls and .ods with python-calamine, after counting their cells in the file

These are the only modules of the loading side that touch the disk. They know file formats
(YAML, CSV, spreadsheets, text encodings), not what a record means: that is the job of the modules
in kinds/.

Nothing in a content file is trusted: whatever its bytes, reading it gives records or problems
that name the file (and the line where there is one), in time and memory bounded by the limits
in files.py, never an exception.
"""
