"""`keras-migrate verify -- COMMAND`: this folder goes first on the command's PYTHONPATH,
so every Python process the command starts imports sitecustomize.py from here."""
