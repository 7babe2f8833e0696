"""For scrapyd-deploy, which builds the project's egg with `python setup.py bdist_egg`.

Everything (packages, data files, the `scrapy` entry point naming the settings) is in pyproject.toml.
"""

from setuptools import setup

setup()
