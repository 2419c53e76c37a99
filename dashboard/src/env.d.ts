// Vite bundles imported stylesheets into the build.
declare module '*.css';
