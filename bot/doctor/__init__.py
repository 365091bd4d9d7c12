"""`loopbot doctor`: is this installation ready for a real workspace? One line per check, with what to do."""
