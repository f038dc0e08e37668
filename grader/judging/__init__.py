"""The judging vocabulary: checks and verdicts, comparing values, misconceptions, curves."""
