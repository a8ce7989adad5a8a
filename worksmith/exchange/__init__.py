"""What crosses the workspace's edge: plan files, backup and restore, exports (Excel, CSV, status report)."""
