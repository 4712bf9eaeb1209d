"""Community-team hours against the norms: logging, month closing, the norms (coach
taper, 10% care contribution, management fte), reports and exports."""
