package deleted
