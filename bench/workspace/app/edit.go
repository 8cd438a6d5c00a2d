package main

const greeting = "edit 21713"
