"""The IMO: waiting list, vacancies, the monthly meeting, advice, decision, placement."""
