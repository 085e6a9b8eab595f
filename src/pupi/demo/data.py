"""Fixed data behind the demo site: users, products and employees.

Everything here is constant so that pages, tests and agent evaluations can rely
on exact names, prices and orderings.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class User:
    username: str
    password: str
    full_name: str

    @property
    def first_name(self) -> str:
        return self.full_name.split()[0]


USERS: dict[str, User] = {
    user.username: user
    for user in (
        User("ada", "lovelace", "Ada Lovelace"),
        User("alan", "turing", "Alan Turing"),
        User("grace", "hopper", "Grace Hopper"),
    )
}


@dataclass(frozen=True)
class Product:
    id: int
    name: str
    category: str
    price_cents: int
    rating: float
    reviews: int
    description: str
    specs: tuple[tuple[str, str], ...]

    @property
    def price(self) -> str:
        return format_price(self.price_cents)


def format_price(cents: int) -> str:
    """``2400`` -> ``"$24.00"``."""
    return f"${cents // 100:,}.{cents % 100:02d}"


PRODUCTS: tuple[Product, ...] = (
    Product(1, "Wireless Mouse", "Electronics", 2400, 4.5, 312,
            "A quiet, ergonomic mouse with a 12-month battery life.",
            (("Connectivity", "2.4 GHz USB receiver"), ("Battery", "1 x AA"),
             ("Weight", "85 g"), ("Colour", "Graphite"))),
    Product(2, "Mechanical Keyboard", "Electronics", 8900, 4.7, 198,
            "A tenkeyless keyboard with tactile switches and white backlight.",
            (("Switches", "Tactile brown"), ("Layout", "Tenkeyless, US"),
             ("Weight", "820 g"), ("Colour", "Black"))),
    Product(3, "Noise-Cancelling Headphones", "Electronics", 19900, 4.6, 421,
            "Over-ear headphones with adaptive noise cancelling and 30-hour battery.",
            (("Battery", "30 hours"), ("Bluetooth", "5.3"),
             ("Weight", "250 g"), ("Colour", "Silver"))),
    Product(4, "Ceramic Coffee Mug", "Home", 1250, 4.2, 87,
            "A 350 ml stoneware mug, dishwasher and microwave safe.",
            (("Capacity", "350 ml"), ("Material", "Stoneware"),
             ("Weight", "320 g"), ("Colour", "Sand"))),
    Product(5, "Desk Lamp", "Home", 3999, 4.1, 143,
            "An LED desk lamp with three colour temperatures and a USB port.",
            (("Power", "8 W LED"), ("Brightness", "500 lm"),
             ("Weight", "1.1 kg"), ("Colour", "White"))),
    Product(6, "Cotton Throw Blanket", "Home", 4500, 4.8, 256,
            "A soft, woven blanket of organic cotton, 130 x 170 cm.",
            (("Size", "130 x 170 cm"), ("Material", "Organic cotton"),
             ("Weight", "900 g"), ("Colour", "Sage"))),
    Product(7, "Trail Backpack", "Outdoors", 7500, 4.4, 176,
            "A 28-litre backpack with a rain cover and a padded laptop sleeve.",
            (("Volume", "28 l"), ("Material", "Recycled nylon"),
             ("Weight", "950 g"), ("Colour", "Forest green"))),
    Product(8, "Insulated Water Bottle", "Outdoors", 1995, 4.3, 389,
            "Keeps drinks cold for 24 hours or hot for 12.",
            (("Capacity", "750 ml"), ("Material", "Stainless steel"),
             ("Weight", "380 g"), ("Colour", "Ocean blue"))),
    Product(9, "Camping Lantern", "Outdoors", 2900, 3.9, 64,
            "A rechargeable lantern with three brightness levels.",
            (("Battery", "4400 mAh"), ("Brightness", "300 lm"),
             ("Weight", "410 g"), ("Colour", "Orange"))),
    Product(10, "Automating the Web", "Books", 3400, 4.6, 58,
             "A practical guide to browser automation, from selectors to agents.",
             (("Pages", "312"), ("Format", "Paperback"),
              ("Published", "2024"), ("Language", "English"))),
    Product(11, "The Browser Handbook", "Books", 2750, 4.0, 41,
             "How browsers load, lay out and paint a page, explained with diagrams.",
             (("Pages", "268"), ("Format", "Paperback"),
              ("Published", "2023"), ("Language", "English"))),
    Product(12, "Clean Python", "Books", 4100, 4.9, 133,
             "Idioms and patterns for readable, well-tested Python code.",
             (("Pages", "384"), ("Format", "Hardcover"),
              ("Published", "2022"), ("Language", "English"))),
)  # fmt: skip

PRODUCTS_BY_ID: dict[int, Product] = {product.id: product for product in PRODUCTS}
CATEGORIES: tuple[str, ...] = ("Electronics", "Home", "Outdoors", "Books")


@dataclass(frozen=True)
class Employee:
    name: str
    department: str
    role: str
    email: str
    start_date: str  # ISO 8601, so that it sorts as text
    salary: int

    @property
    def salary_text(self) -> str:
        return f"${self.salary:,}"


EMPLOYEES: tuple[Employee, ...] = (
    Employee("Ada Lovelace", "Engineering", "Principal Engineer",
             "ada.lovelace@example.com", "2015-03-02", 145000),
    Employee("Alan Turing", "Research", "Research Scientist",
             "alan.turing@example.com", "2016-07-11", 138000),
    Employee("Grace Hopper", "Engineering", "Engineering Manager",
             "grace.hopper@example.com", "2014-01-20", 152000),
    Employee("Katherine Johnson", "Research", "Data Scientist",
             "katherine.johnson@example.com", "2018-09-03", 121000),
    Employee("Margaret Hamilton", "Engineering", "Software Architect",
             "margaret.hamilton@example.com", "2017-05-15", 149000),
    Employee("Beatriz Santos", "Sales", "Account Executive",
             "beatriz.santos@example.com", "2019-02-18", 72000),
    Employee("Chen Wei", "Sales", "Sales Manager",
             "chen.wei@example.com", "2016-11-07", 98000),
    Employee("Daniel Okafor", "Marketing", "Content Strategist",
             "daniel.okafor@example.com", "2020-06-01", 68000),
    Employee("Elena Petrova", "Marketing", "Marketing Director",
             "elena.petrova@example.com", "2013-08-26", 125000),
    Employee("Farid Haddad", "Support", "Support Engineer",
             "farid.haddad@example.com", "2021-01-11", 61000),
    Employee("Hannah Schmidt", "Support", "Support Lead",
             "hannah.schmidt@example.com", "2018-04-23", 79000),
    Employee("Isaac Mensah", "Finance", "Accountant",
             "isaac.mensah@example.com", "2019-10-14", 74000),
    Employee("Julia Rossi", "Finance", "Finance Manager",
             "julia.rossi@example.com", "2015-12-07", 112000),
    Employee("Kenji Tanaka", "Engineering", "Frontend Developer",
             "kenji.tanaka@example.com", "2022-03-28", 95000),
    Employee("Laura Nielsen", "Design", "Product Designer",
             "laura.nielsen@example.com", "2020-09-21", 91000),
)  # fmt: skip

COUNTRIES: tuple[str, ...] = (
    "Australia", "Brazil", "Canada", "France", "Germany", "India",
    "Japan", "Nigeria", "Spain", "United Kingdom", "United States",
)  # fmt: skip
