import os
import sys

# tests/ holds the simulator package (pbxsim) and shared helpers (simhelper).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
