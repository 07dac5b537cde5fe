package dev.ferry.app.cli;
public class FerryCli { public static void main(String[] a){ System.out.println("ferry"); } }
