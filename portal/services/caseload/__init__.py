"""Staff casework: the caseload and its signals, who works on a case, case actions, and the
supervisor's compliance report.
"""
