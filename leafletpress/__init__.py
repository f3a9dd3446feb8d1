"""Print-ready, accessible patient-information leaflets from Markdown and YAML.

The stages, one module each: read (files into the model), document (the model
with a PDF's options and wording applied), templating and engines (the
document as PDF), build (what to make, skipping what is up to date), check
(findings without rendering), cli (the command). See README.md.
"""

__version__ = "0.1.0"
