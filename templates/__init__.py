"""The default theme (the repo's top-level templates/), as a package so that it ships inside the wheel."""
