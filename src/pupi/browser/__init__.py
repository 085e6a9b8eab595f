"""Finding and launching Chromium, the instance registry, and cleanup at exit."""

from pupi.browser.discovery import BrowserLocation, find_browser, search_browsers
from pupi.browser.instances import Instance, InstanceInfo, InstanceManager, get_manager

__all__ = [
    "BrowserLocation",
    "Instance",
    "InstanceInfo",
    "InstanceManager",
    "find_browser",
    "get_manager",
    "search_browsers",
]
