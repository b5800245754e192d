"""Text intelligence over the city's own cases: routing suggestions, hotspots (堵点), repeats.

Learns only from the cases of this installation; suggests, never decides (a dispatcher or 营商办
takes every decision). See docs/text-intelligence.md.
"""
