"""kehu (客户): monthly assessment batch of a group-customer department (集团客户部).

Data flows load → validate → compute → render; each stage is a subpackage.
"""
__version__ = "0.1.0"
