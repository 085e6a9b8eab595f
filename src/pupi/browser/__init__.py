"""Finding and launching Chromium, the instance registry, and cleanup at exit."""

from pupi.browser.discovery import BrowserLocation, find_browser, search_browsers
from pupi.browser.domains import AllowedDomains, allowed_domains_only
from pupi.browser.downloads import DownloadedFile, Downloads, downloads_root
from pupi.browser.instances import Instance, InstanceInfo, InstanceManager, get_manager
from pupi.browser.tabs import TabInfo, Tabs

__all__ = [
    "AllowedDomains",
    "BrowserLocation",
    "DownloadedFile",
    "Downloads",
    "Instance",
    "InstanceInfo",
    "InstanceManager",
    "TabInfo",
    "Tabs",
    "allowed_domains_only",
    "downloads_root",
    "find_browser",
    "get_manager",
    "search_browsers",
]
