"""The Streamlit rating app: thin pages over benchmark.studies."""
