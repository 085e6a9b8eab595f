"""Small word pools the families draw their labels, names and values from."""

from __future__ import annotations

FIRST_NAMES = (
    "Amara", "Bruno", "Chloe", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas",
    "Keiko", "Liam", "Maya", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Sami", "Tara",
)  # fmt: skip

LAST_NAMES = (
    "Abbott", "Berg", "Castillo", "Dunn", "Eklund", "Fischer", "Garcia", "Holm", "Ibarra",
    "Jensen", "Kovacs", "Lindqvist", "Moreau", "Novak", "Ortega", "Petrov", "Quist", "Rossi",
)  # fmt: skip

HANDLES = (
    "skyline", "pixelpete", "moss_and_stone", "lunawrites", "copperkite", "tinyforest",
    "urbanfox", "saltwater", "nightowl42", "breadmaker", "paperplane", "quietriver",
)  # fmt: skip

CITIES = (
    "Lisbon", "Oslo", "Toronto", "Nairobi", "Osaka", "Quito", "Tallinn", "Perth", "Dublin",
    "Krakow", "Seville", "Hanoi",
)  # fmt: skip

COUNTRIES = (
    "Austria", "Brazil", "Canada", "Denmark", "Egypt", "Finland", "Ghana", "Iceland",
    "Japan", "Kenya", "Mexico", "Norway", "Portugal", "Vietnam",
)  # fmt: skip

COLOURS = ("Amber", "Cobalt", "Crimson", "Emerald", "Ivory", "Lilac", "Slate", "Teal")

PRODUCTS = (
    "Desk lamp", "Travel mug", "Wool scarf", "Notebook", "Headphones", "Water bottle",
    "Backpack", "Phone stand", "Plant pot", "Yoga mat", "Tea kettle", "Bike light",
)  # fmt: skip

# Button captions; each has near-miss siblings so that a distractor can share a word.
ACTIONS = (
    ("Export", "Export all"), ("Archive", "Archive selected"), ("Duplicate", "Duplicate page"),
    ("Share", "Share link"), ("Refresh", "Refresh cache"), ("Publish", "Publish later"),
    ("Print", "Print preview"), ("Download", "Download log"), ("Rename", "Rename folder"),
    ("Subscribe", "Subscribe weekly"), ("Reset", "Reset filters"), ("Upload", "Upload photo"),
)  # fmt: skip

SETTINGS = (
    "Email notifications", "Dark mode", "Two-factor login", "Weekly digest", "Auto-save drafts",
    "Show online status", "Play sounds", "Compact layout", "Beta features", "Location sharing",
)  # fmt: skip

TOPICS = (
    "Billing", "Shipping", "Returns", "Accounts", "Security", "Privacy", "Warranty",
    "Installation", "Troubleshooting", "Payments",
)  # fmt: skip

PAGES = (
    "Pricing", "Careers", "Blog", "Documentation", "Status", "Partners", "Press", "Events",
    "Community", "Roadmap", "Changelog", "Support",
)  # fmt: skip

PROJECTS = (
    "Orion", "Maple", "Harbor", "Falcon", "Juniper", "Quartz", "Nimbus", "Cedar", "Atlas",
    "Willow",
)  # fmt: skip

SUBJECTS = (
    "Quarterly report", "Lunch on Friday?", "Invoice attached", "Team offsite", "Password reset",
    "Meeting notes", "Holiday schedule", "Contract renewal", "Welcome aboard", "Server outage",
)  # fmt: skip

TASK_ITEMS = (
    "Buy milk", "Call the plumber", "Book dentist", "Renew passport", "Water plants",
    "Pay rent", "Send invoice", "Fix bike", "Clean garage", "Return library books",
    "Order printer ink", "Plan birthday party",
)  # fmt: skip

ARTICLES = (
    "Getting started with gardening", "Ten tips for better sleep", "How to brew cold coffee",
    "A beginner's guide to chess", "Why bridges don't fall down", "The history of the bicycle",
    "Baking bread at home", "Understanding interest rates", "Birdwatching in winter",
    "Packing light for long trips", "Learning to juggle", "Caring for houseplants",
)  # fmt: skip
