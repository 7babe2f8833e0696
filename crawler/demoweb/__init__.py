"""A deterministic sample web of ketamine-clinic sites, served on loopback IPs for real crawls."""

from .generate import FACTS, FLAGS, build
from .server import DemoWeb

__all__ = ["DemoWeb", "FACTS", "FLAGS", "build"]
