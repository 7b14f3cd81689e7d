"""Comment commands, Atlantis style: one table (bot/commands/table.py) of small runners keyed by verb."""
