package lib

const version = "edit 0"
