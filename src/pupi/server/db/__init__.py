"""Persistence: the engine, the tables, the migrations and the queries."""
