"""reportgen: provincial Sở Công Thương reports from structured indicators."""
__version__ = "0.1.0"
