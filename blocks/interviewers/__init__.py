"""Messages and modals of the interviewer program (calibration cards, graduation, dry runs, rosters)."""
