package main

const greeting = "edit 9002"
