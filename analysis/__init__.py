"""ICS financial control totals: the analysis package (no Streamlit), shared by the app and the CLI."""

__version__ = "0.1.0"
