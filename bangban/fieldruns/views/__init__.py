"""Pages of 局长跑现场 (`/fieldruns/`)."""

from .runs import run_detail, run_list, run_new
from .yearly import yearly, yearly_export

__all__ = ["run_detail", "run_list", "run_new", "yearly", "yearly_export"]
