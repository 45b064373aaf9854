"""Words and pictures of the domain's values, shared by the dialogs, the adapter and the CLI:
translatable labels, figures as text/CSV/JSON, and charts. Imports the domain and i18n only."""
