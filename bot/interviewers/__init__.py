"""The interviewer program: pools, qualifications, training that graduates on agreement, dry runs, load.

rules.py reads a type's training and dry-run rules; roster.py who stands where; progress.py a trainee's
sessions and agreement; load.py interviews per person per week and day against their limits.
"""
