package dev.ferry.tunnel;
