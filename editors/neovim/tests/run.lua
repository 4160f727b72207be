-- Runs one spec file (TC_SPEC) so that even an error while loading it ends Neovim
-- with a failure and the "N passed, M failed" line, instead of hanging headless.
local spec = assert(vim.env.TC_SPEC, 'set TC_SPEC to a spec file')
local ok, err = xpcall(dofile, debug.traceback, spec)
if not ok then
  io.stdout:write('not ok - loading ' .. spec .. '\n    ' .. tostring(err):gsub('\n', '\n    ') .. '\n0 passed, 1 failed\n')
  vim.cmd('cquit 1')
end
