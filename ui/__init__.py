"""The Streamlit side of the dashboard: data loading, page context, widgets and downloads."""
