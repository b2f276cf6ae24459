"""Building the tracker's website from its notebooks, with Quarto or without it.

``python -m munro_data.site build`` validates the data, re-executes the notebooks whose inputs
changed (storing their outputs), then renders the pages listed in ``_quarto.yml``: with
``quarto render`` when Quarto is on the PATH, otherwise with nbconvert and this package's
template, into the same URLs. The site is assembled in a temporary folder and swapped into
place only when every step succeeded.
"""
