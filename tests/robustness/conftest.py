import os
import sys

# The suite's helpers (_programs.py) import as top-level modules.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
