"""The room agenda: the shared rooms of a site, week and month views per room
and per site, bookings with the collision choice, external requests and their approval,
attendance, usage and participation, the A4 week poster and the token calendar feeds."""
