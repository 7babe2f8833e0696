"""Scrapy DNS resolver for benchmarks: every *.bench.test host is the synthetic web on loopback."""

from twisted.internet import defer

from scrapy.resolver import CachingThreadedResolver


class BenchResolver(CachingThreadedResolver):
    def getHostByName(self, name, timeout=()):  # noqa: N802 - Twisted's interface
        if name.endswith(".bench.test"):
            return defer.succeed("127.0.0.1")
        return super().getHostByName(name, timeout)
