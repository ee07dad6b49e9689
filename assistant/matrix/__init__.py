"""The support matrix: per school and category a status with the quote it rests on, and its answers and exports."""
