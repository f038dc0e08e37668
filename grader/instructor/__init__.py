"""Instructors' commands around a course: the nbgrader course folder (init, export).
"""
