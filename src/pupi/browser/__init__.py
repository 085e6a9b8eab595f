"""Finding and launching Chromium, the instance registry, and cleanup at exit."""

from pupi.browser.discovery import BrowserLocation, find_browser, search_browsers
from pupi.browser.instances import Instance, InstanceInfo, InstanceManager, get_manager
from pupi.browser.tabs import TabInfo, Tabs

__all__ = [
    "BrowserLocation",
    "Instance",
    "InstanceInfo",
    "InstanceManager",
    "TabInfo",
    "Tabs",
    "find_browser",
    "get_manager",
    "search_browsers",
]
