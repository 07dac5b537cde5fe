package dev.ferry.ui;
public class Launcher { public static void main(String[] a){ } }
