"""The browser tests: one package, so that their JupyterLab, browser and chapters close when the last of them is done."""
