"""The room agenda: shared rooms, recurring bookings without double booking, external
requests under the Btiv rule, activities and participation, usage, iCal feeds."""
