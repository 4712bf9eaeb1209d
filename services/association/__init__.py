"""The woonvereniging: members, board, contributions, bank import, reminders, cash book,
budgets, grants, the ALV statement and residents' participation."""
